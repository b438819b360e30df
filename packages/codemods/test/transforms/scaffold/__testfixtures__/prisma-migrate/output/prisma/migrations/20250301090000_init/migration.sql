CREATE TABLE "shipments" (
    "id" UUID NOT NULL,
    "carrier" TEXT NOT NULL,
    CONSTRAINT "shipments_pkey" PRIMARY KEY ("id")
);
