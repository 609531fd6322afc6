insert into public.visits (visited_at, path) values ('2026-01-31 23:30-05', '/a'), ('2026-05-01 00:00+00', '/b');
