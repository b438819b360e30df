CREATE TABLE order_notes (id bigserial PRIMARY KEY, order_id uuid NOT NULL REFERENCES orders (id), body text NOT NULL);
