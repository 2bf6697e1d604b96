-- Rows that only a database with clips (platform_sql/0002 or later) can hold: a circuit exercise
-- and one stored clip. Run after platform_rows.sql.
INSERT INTO exercises (id, name, description, type, meta, scope, "ownerId", "createdAt", "updatedAt") VALUES
  ('3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d03', 'Kettlebell circuit', NULL, 'circuit', NULL, 'coach', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '2025-03-01 10:00:00.000', '2025-03-01 10:00:00.000');

INSERT INTO exercise_media (id, "progressId", data, "mimeType", size, "createdAt") VALUES
  ('d9d0e1f2-4b32-4a9f-8c0f-9e6f2d0a6b01', 'f5f6a7b8-0d98-4c5b-8e6b-5a2b8f6c2d01', '\x000000186674797069736f6d0000020069736f6d69736f32', 'video/mp4', 24, '2025-03-02 18:00:00.000');
