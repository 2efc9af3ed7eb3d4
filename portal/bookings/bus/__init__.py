"""The Techniekbus: a Technocentrum's buses that take a class to a company visit and back."""
