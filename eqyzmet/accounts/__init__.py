"""Accounts for the public site: registration by e-mail, e-mail confirmation, password reset
and the sign-in lockout. Sign-in and sign-out themselves are Django's views (eqyzmet/urls.py).
"""
