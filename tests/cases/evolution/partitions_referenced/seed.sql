-- orders in the kept partitions, each referenced by a shipment: the detaches leave them alone
insert into public.orders (region, placed, id) values ('eu', '2026-02-01', 1), ('br', '2026-03-01', 2);
insert into public.shipments (id, region, placed, order_id) values (10, 'eu', '2026-02-01', 1), (11, 'br', '2026-03-01', 2);
