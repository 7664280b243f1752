"""The only code that knows HTTP <-> AWS. No service names live here."""
