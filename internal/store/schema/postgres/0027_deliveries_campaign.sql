-- +goose Up
-- A campaign's messages in order, a page at a time: without it, the list
-- of every status read all of a campaign's messages and sorted them on
-- each view of the campaign page.
CREATE INDEX deliveries_campaign ON deliveries(campaign_id, id);
