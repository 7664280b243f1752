"""AWS Identity and Access Management: users (roles, groups and policies come later)."""
