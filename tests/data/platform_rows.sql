-- Rows as the web platform writes them (plain SQL, ids made by the writer, updatedAt set by it),
-- for a database built from tests/data/platform_sql at either stage. Deliberately untidy where
-- real rows are: numbers as strings, missing fields, nulls.
INSERT INTO users (id, email, pseudo, password, "firstName", "lastName", role, "profileUrl", "coachId", "createdAt", "updatedAt") VALUES
  ('0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', 'coach@example.test', 'coachy', '$2b$10$abcdefghijklmnopqrstuu5E7m2vJcXxYw8sH1aQpZ3nB9dKqL6a', 'Casey', 'Coach', 'coach', NULL, NULL, '2025-01-02 09:00:00.123', '2025-01-02 09:00:00.123'),
  ('0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', 'student@example.test', 'stud', '$2b$10$abcdefghijklmnopqrstuu5E7m2vJcXxYw8sH1aQpZ3nB9dKqL6b', NULL, NULL, 'student', 'https://example.test/me.png', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '2025-01-03 10:00:00.000', '2025-02-01 08:30:00.456');

INSERT INTO badges (id, key, title, description, criteria) VALUES
  ('1c1d6f1f-6b54-4a1f-8c2f-1e8f4d2a8b01', 'first_session', '{"en": "First session"}', '{"en": "Logged a first session"}', '{"sessions": 1}');

INSERT INTO user_badges (id, "userId", "badgeId", "awardedAt") VALUES
  ('2d2e7a2a-7c65-4b2a-9d3a-2f9a5e3b9c01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', '1c1d6f1f-6b54-4a1f-8c2f-1e8f4d2a8b01', '2025-02-01 08:31:00.000');

INSERT INTO exercises (id, name, description, type, meta, scope, "ownerId", "createdAt", "updatedAt") VALUES
  ('3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d01', 'Back Squat', NULL, 'standard', '{"exercise": "Back Squat", "difficultyLevel": "Intermediate", "targetMuscleGroup": "Quadriceps", "shortDemonstrationLink": "https://youtube.com/watch?v=x"}', 'global', NULL, '2024-12-01 00:00:00.000', '2024-12-01 00:00:00.000'),
  ('3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d02', 'Burpee EMOM', 'Ten minutes', 'EMOM', '{"difficulty": "hard", "muscleGroups": ["full body"], "sets": "10"}', 'coach', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '2025-01-05 12:00:00.000', '2025-01-06 12:00:00.000');

INSERT INTO exercise_history (id, "userId", "exerciseId", "viewedAt") VALUES
  ('4f4a9c4c-9e87-4d4c-9f5c-4b1c7a5d1e01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', '3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d01', '2025-02-02 07:00:00.000');

INSERT INTO exercise_ratings (id, "exerciseId", "userId", rating, comment, "createdAt", "updatedAt") VALUES
  ('5a5b0d5d-0f98-4e5d-8a6d-5c2d8b6e2f01', '3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', 4, NULL, '2025-02-02 07:05:00.000', '2025-02-02 07:05:00.000');

INSERT INTO favorite_exercises (id, "userId", "exerciseId", "addedAt") VALUES
  ('6b6c1e6e-1a09-4f6e-9b7e-6d3e9c7f3a01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d02', '2025-01-07 10:00:00.000');

INSERT INTO groups (id, "ownerId", name, description, "createdAt", "updatedAt") VALUES
  ('7c7d2f7f-2b10-4a7f-8c8f-7e4f0d8a4b01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', 'Morning crew', NULL, '2025-01-08 06:00:00.000', '2025-01-08 06:00:00.000');

INSERT INTO group_members (id, "groupId", "userId", "joinedAt") VALUES
  ('8d8e3a8a-3c21-4b8a-9d9a-8f5a1e9b5c01', '7c7d2f7f-2b10-4a7f-8c8f-7e4f0d8a4b01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', '2025-01-09 06:00:00.000');

INSERT INTO invitations (id, "groupId", "fromCoachId", "toUserId", status, "createdAt", "respondedAt") VALUES
  ('9e9f4b9b-4d32-4c9b-8e0b-9a6b2f0c6d01', '7c7d2f7f-2b10-4a7f-8c8f-7e4f0d8a4b01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', 'accepted', '2025-01-08 06:10:00.000', '2025-01-09 05:59:00.000');

INSERT INTO programs (id, title, description, "coachId", "isDraft", "createdAt", "updatedAt", data, "ownerId") VALUES
  ('a0a1b2c3-5e43-4d0c-9f1c-0b7c3a1d7e01', 'Strength base', NULL, '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', false, '2025-01-10 08:00:00.000', '2025-01-11 08:00:00.000', NULL, NULL);

INSERT INTO program_blocks (id, "programId", title, "position", notes) VALUES
  ('b1b2c3d4-6f54-4e1d-8a2d-1c8d4b2e8f01', 'a0a1b2c3-5e43-4d0c-9f1c-0b7c3a1d7e01', 'Block A', 0, NULL);

INSERT INTO weeks (id, "blockId", "weekNumber", "position") VALUES
  ('c2c3d4e5-7a65-4f2e-9b3e-2d9e5c3f9a01', 'b1b2c3d4-6f54-4e1d-8a2d-1c8d4b2e8f01', 1, 0);

INSERT INTO sessions (id, "weekId", title, notes, date, "position", data) VALUES
  ('d3d4e5f6-8b76-4a3f-8c4f-3e0f6d4a0b01', 'c2c3d4e5-7a65-4f2e-9b3e-2d9e5c3f9a01', 'Day 1', NULL, '2025-02-03 00:00:00.000', 0, '{}');

INSERT INTO session_exercises (id, "sessionId", "exerciseId", config, "position") VALUES
  ('e4e5f6a7-9c87-4b4a-9d5a-4f1a7e5b1c01', 'd3d4e5f6-8b76-4a3f-8c4f-3e0f6d4a0b01', '3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d01', '{"sets": 5, "reps": "5", "format": "standard", "weight": 100, "tempo": "3-1-1"}', 0),
  ('e4e5f6a7-9c87-4b4a-9d5a-4f1a7e5b1c02', 'd3d4e5f6-8b76-4a3f-8c4f-3e0f6d4a0b01', '3e3f8b3b-8d76-4c3b-8e4b-3a0b6f4c0d02', NULL, 1);

INSERT INTO session_progress (id, "sessionId", "studentId", progress, notes, videos, "savedAt", reps, sets, weight, format, status, "updatedAt") VALUES
  ('f5f6a7b8-0d98-4c5b-8e6b-5a2b8f6c2d01', 'd3d4e5f6-8b76-4a3f-8c4f-3e0f6d4a0b01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', '{"sessionId": "d3d4e5f6-8b76-4a3f-8c4f-3e0f6d4a0b01", "exercises": [{"position": 0, "status": "completed", "data": {"setsCompleted": "5", "repsPerSet": [5, 5, "5", 5, null], "weightUsed": 100}}], "summary": {"totalExercises": 2, "completedExercises": 1}}', NULL, ARRAY['https://example.test/old-video.webm'], '2025-02-03 18:00:00.000', NULL, NULL, NULL, NULL, 'partial', '2025-02-03 18:00:00.789');

INSERT INTO program_assignments (id, "programId", "studentId", "assignedBy", "assignedAt") VALUES
  ('a6a7b8c9-1e09-4d6c-9f7c-6b3c9a7d3e01', 'a0a1b2c3-5e43-4d0c-9f1c-0b7c3a1d7e01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', '2025-01-12 09:00:00.000');

INSERT INTO program_audit (id, "programId", "changedBy", "changeType", diff, "createdAt") VALUES
  ('b7b8c9d0-2f10-4e7d-8a8d-7c4d0b8e4f01', 'a0a1b2c3-5e43-4d0c-9f1c-0b7c3a1d7e01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01', 'assign', '{"studentId": "0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02"}', '2025-01-12 09:00:00.000');

INSERT INTO notifications (id, "userId", type, payload, read, "createdAt") VALUES
  ('c8c9d0e1-3a21-4f8e-9b9e-8d5e1c9f5a01', '0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a02', 'assignment', '{"assignmentId": "a6a7b8c9-1e09-4d6c-9f7c-6b3c9a7d3e01", "programTitle": "Strength base", "coachPseudo": "coachy", "assignedAt": "2025-01-12T09:00:00.000Z"}', false, '2025-01-12 09:00:00.000');
