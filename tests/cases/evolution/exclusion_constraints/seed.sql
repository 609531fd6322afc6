insert into public.bookings (room_id, period, cancelled) values
  (1, '[2026-01-01, 2026-01-02)', false),
  (1, '[2026-01-02, 2026-01-03)', false),
  (2, '[2026-01-01, 2026-01-05)', true);
