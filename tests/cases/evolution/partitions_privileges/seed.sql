insert into public.messages (sent_at, body) values ('2026-01-15', 'january'), ('2026-02-15', 'february'), ('2027-05-01', 'later');
