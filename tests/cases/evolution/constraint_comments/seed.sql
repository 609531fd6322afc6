insert into public.rooms (code, floor) values ('A1', 1), ('B2', 2);
insert into public.bookings (room_id, period) values (1, '[2026-01-01,2026-01-02)'), (2, '[2026-01-01,2026-01-02)');
