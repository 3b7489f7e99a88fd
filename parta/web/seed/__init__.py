"""Demo and benchmark data for `parta seed`: the web layer sits on top of every app, so each
app's part of a generated region can be added here (see `PARTS` in `demo` and `scale`)."""
