-- Public items listed under each column and every column above it, kept on publication:
-- a column page of any depth is one range of this primary key instead of a merge of its
-- sub-columns. Kept in lockstep with ../{{other}}/0010_column_lists.sql.
CREATE TABLE catalog_column_items (
    column_id BIGINT NOT NULL REFERENCES catalog_columns(id),
    published_on TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES catalog_items(id),
    PRIMARY KEY (column_id, published_on, item_id)
);
CREATE INDEX catalog_column_items_item_idx ON catalog_column_items (item_id);
