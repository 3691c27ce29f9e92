-- An Isso database in the shape Isso 0.13 writes it, built by the tests with sqlite3.
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);

INSERT INTO threads VALUES (1, '/blog/hello/', 'Hello, world');
INSERT INTO threads VALUES (2, '/blog/çay-saati/', NULL);

-- A top-level comment with everything filled in.
INSERT INTO comments VALUES (1, 1, NULL, 1500000000.5, NULL, 1, '203.0.113.0',
    'First **comment**', 'Ayşe Yılmaz', 'ayse@example.org', 'https://ayse.example',
    3, 1, X'', 1);
-- A reply whose parent (5) comes after it.
INSERT INTO comments VALUES (2, 2, 5, 1500000300.0, NULL, 1, '198.51.100.0',
    'Replying to a later id', 'Omar', NULL, NULL, 0, 0, X'', 0);
-- Deleted, kept by Isso because it has a reply (4).
INSERT INTO comments VALUES (1, 3, NULL, 1500000100.0, NULL, 4, '203.0.113.0',
    '', NULL, NULL, NULL, 0, 0, X'', 0);
-- Waiting for moderation, a reply to the deleted comment.
INSERT INTO comments VALUES (1, 4, 3, 1500000200.0, NULL, 2, '2001:db8::',
    'Pending reply', 'Anonymous', '', '', 0, 0, X'', 0);
-- Edited, right-to-left text.
INSERT INTO comments VALUES (2, 5, NULL, 1500000250.0, 1500000260.25, 1, '192.0.2.0',
    'مرحبا بالعالم', 'سلمى', 'salma@example.org', '', 0, 2, X'', 0);
-- Text written in Latin-1 by an old client: not UTF-8.
INSERT INTO comments VALUES (2, 6, NULL, 1500000270.0, NULL, 1, '192.0.2.0',
    CAST(X'436166E920636F6E2063726F697373616E74' AS TEXT), 'Zoë', NULL, NULL, 0, 0, X'', 0);
-- Its thread is gone.
INSERT INTO comments VALUES (99, 7, NULL, 1500000280.0, NULL, 1, '', 'Orphan', '', '', '', 0, 0, X'', 0);
-- A mode Isso does not have.
INSERT INTO comments VALUES (1, 8, NULL, 1500000290.0, NULL, 3, '', 'Odd', '', '', '', 0, 0, X'', 0);
-- Deleted with no reply left.
INSERT INTO comments VALUES (1, 9, NULL, 1500000295.0, NULL, 4, '', '', NULL, NULL, NULL, 0, 0, X'', 0);
