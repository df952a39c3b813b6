"""Moving bytes: parallel hashing and the resumable stream of one image into its partial file."""
