"""The language layer: what did this person mean? Morphology (Sudachi), danger, intents, slots, dates.

Only processes that run turns import the heavy parts (Sudachi, scikit-learn); the webhook never does.
"""
