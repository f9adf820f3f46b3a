"""Chinese full-text search over the archive: schema, segmentation, indexing, query parsing,
the SQL of a search, facets, snippets, and the search itself (`archive.search.query`)."""
