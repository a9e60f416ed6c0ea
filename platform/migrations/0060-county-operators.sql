-- County operators (issue 15 item 5): people who sign in to the read-only county view under /county/. Their
-- passwords are stored as scrypt hashes; a session is a random token in an HttpOnly cookie, stored hashed here.
CREATE TABLE operators (
  username text PRIMARY KEY,
  display_name text NOT NULL,
  role text NOT NULL,
  password_hash text NOT NULL,
  created_at bigint NOT NULL,
  disabled_at bigint
);

CREATE TABLE operator_sessions (
  token_hash text PRIMARY KEY,
  username text NOT NULL REFERENCES operators(username),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX operator_sessions_by_user ON operator_sessions (username);
