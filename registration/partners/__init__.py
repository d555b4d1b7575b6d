"""Partners' viewer accounts, given and withdrawn by organisers (issue 10):
/<lang>/admin/accounts/viewers/. Only accounts that are viewers and nothing
else can be seen or touched here; docs/roles.md tells organisers how."""
