-- The issuing bodies of an organisation's published items (a filter of every column page)
-- are found by stepping through this index, one probe per distinct issuer, instead of
-- reading every item of the organisation (8 s at a million items on a cold cache).
CREATE INDEX catalog_items_issuer_idx ON catalog_items (org_id, status, issuer);
