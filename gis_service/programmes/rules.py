"""The limits every programme site keeps, as plain values: the models and the validation path both read them.

Nothing here imports the models, so validation.py can use these without importing models.py (which calls it).
"""

# The DLA programmes began in the 2010s; a site year outside this is a typing error.
MIN_PROGRAMME_YEAR_CE = 2000
MAX_PROGRAMME_YEAR_CE = 2100
MAX_BUDGET_THB = 1_000_000_000
