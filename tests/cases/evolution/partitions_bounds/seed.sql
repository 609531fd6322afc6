insert into public.readings (at, value) values ('2026-02-01', 1), ('2026-03-31', 2), ('2026-08-01', 3), ('2028-01-01', 4);
insert into public.events (region, payload) values ('eu', '{}'), ('us', '{"n": 1}');
