insert into public.accounts (email, balance, handle) values ('a@x', 5, 'a'), ('b@x', 0, null);
