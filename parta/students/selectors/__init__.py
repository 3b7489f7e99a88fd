"""Read queries of the students app."""
