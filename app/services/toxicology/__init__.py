"""Toxicology: the shared 30-day source cache, batch pipeline and Items 9/10 drafts."""
