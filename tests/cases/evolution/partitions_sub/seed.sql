insert into public.tickets (region, opened, id) values ('eu', '2026-01-05', 1), ('eu', '2026-02-05', 2),
  ('us', '2026-01-01', 3), ('us', '2026-01-01', 4), ('jp', '2026-01-01', 5), ('jp', '2026-07-01', 6);
