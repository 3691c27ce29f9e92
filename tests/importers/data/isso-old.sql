-- An early Isso database: no title, no votes, no notification columns.
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE);
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR);
INSERT INTO threads VALUES (1, '/old/');
INSERT INTO comments VALUES (1, 1, NULL, 1400000000, NULL, 1, '192.0.2.0', 'Old one', 'Ann', NULL, NULL);
