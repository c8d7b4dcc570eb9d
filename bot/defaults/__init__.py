"""The content shipped with Kakehashi: `flows/` and `locales/`, linked here from the top of the repository.

Reviewers edit them where they are; the links let a wheel carry them as package data, found through
`importlib.resources` wherever Kakehashi is installed. KAKEHASHI_CONTENT_DIR replaces them with an
organization's own reviewed copy.
"""
