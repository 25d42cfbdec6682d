// Grants: see issue 3
