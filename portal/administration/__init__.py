"""The administrator's work: the Technocentra and where they work, their moderators, and the
pages that gather the rest of the portal's upkeep (reference data, failed e-mail, the log)."""
