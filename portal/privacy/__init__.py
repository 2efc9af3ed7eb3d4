"""Privacy (AVG/GDPR): a user downloads what the portal keeps about them and deletes their
account; the public page says what is kept, why and for how long.

It sits above every other feature (it reads and changes all of them for one user) and nothing
imports it but the app factory.
"""
