-- The orders table of prisma/schema.prisma.
CREATE TYPE "order_status" AS ENUM ('pending', 'shipped');

CREATE TABLE "orders" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer" TEXT NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "status" "order_status" NOT NULL DEFAULT 'pending',
    "note" TEXT,
    "shipped_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_total_cents_check" CHECK ("total_cents" > 0)
);
