insert into public.readings (sensor_id, value) select g, g from generate_series(1, 40) g
  where not satisfies_hash_partition('public.readings'::regclass::oid, 4, 2, g::bigint);
