"""LTI 1.3 platform side (issue #15 item 8): edudx launches registered external tools from `lti`
blocks (OIDC third-party login → signed id_token), lets teachers pick their content by Deep
Linking 2.0, takes scores by Assignment and Grade Services 2.0 and answers rosters by Names and
Role Provisioning Services 2.0. Library (`library/lti.py`) is the other side: a tool."""
