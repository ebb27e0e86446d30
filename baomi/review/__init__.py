"""Pre-publication secrecy review: manuscripts, the scanner (engine/), the review desk."""
