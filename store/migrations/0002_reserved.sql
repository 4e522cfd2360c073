-- 0002 is reserved for a change on another branch; this file only keeps the numbering
-- contiguous on the workspace branch. When both branches meet, that branch's 0002 takes
-- its place and this file is deleted (two 0002 files stop start-up: "expected version 3").
SELECT 1;
