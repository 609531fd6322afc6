insert into public.notes (owner, body) values
  ('00000000-0000-0000-0000-000000000001', 'first'),
  ('00000000-0000-0000-0000-000000000002', 'second');
