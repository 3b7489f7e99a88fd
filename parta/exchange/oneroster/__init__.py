"""A school's roster in OneRoster 1.2 CSV (1EdTech, CSV Binding 1.2.1): `mapping` holds the
binding's files and columns and our identifiers, `export` writes the zip, `reading` checks an
uploaded zip as a whole, `importing` applies a checked one in one transaction."""
