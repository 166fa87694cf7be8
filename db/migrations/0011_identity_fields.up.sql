-- Identity fields of the seeds (issue 16.7): gender and birth date (seed
-- 003), both optional and personal data (R12).
ALTER TABLE users ADD COLUMN gender text CHECK (gender IN ('FEMALE', 'MALE', 'OTHER'));
ALTER TABLE users ADD COLUMN birth_date date CHECK (birth_date >= '1900-01-01');
