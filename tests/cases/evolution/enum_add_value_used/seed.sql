insert into public.tickets (status, closed_at) values ('open', null), ('closed', now());
