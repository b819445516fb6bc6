-- +goose Up
-- Why telling the people directly is not practicable, recorded when the
-- public notice is published instead (Privacy Act s 26WL(2)(c), option 3;
-- GDPR art 34(3)(c)): the OAIC statement states it.
ALTER TABLE public_notices ADD COLUMN not_direct TEXT NOT NULL DEFAULT '';

