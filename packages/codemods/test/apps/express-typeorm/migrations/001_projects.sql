CREATE TABLE projects (
  id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name   text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived'))
);
