"""The layer every domain builds on: replicated objects, lifecycles, timelines, domain descriptors."""
