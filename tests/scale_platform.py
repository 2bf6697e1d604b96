"""A whole platform of coaches, generated in plain SQL: `bench/scale.py` and the scale tests.

Every coach's rows depend only on the coach's number (ids are md5-derived UUID shapes, choices are
hashes of the row's own key), so a database built with `coaches=[7]` holds exactly the rows that
coach 7 has on a database built with `coaches=range(1, 51)`: the same coach's pages can be
compared on a platform and alone. The global library is on both: it is part of what a coach sees.

The shapes are the web's (see `gbf_desktop.demo.logbook`): `progress` JSON with one entry per
exercise and the per-type `data` (standard, EMOM, AMRAP, circuit), with the platform's mess: a
number typed as text here, a missing field there, a row whose stored status says `completed`
while an exercise is still in progress, old `videos` references. Everything is written by a few
INSERT ... SELECT over generate_series: a 200,000-row platform takes under a minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import psycopg

HASH = "$2b$10$abcdefghijklmnopqrstuuJ0J1JqgW6p3fUj3Zk8b5o0n9kXH7Q2e"  # never signed in with
SESSIONS_PER_WEEK = 4
EXERCISES_PER_SESSION = 6
# The program's exercises, in session order; the coach's own exercises of these types.
SLOT_TYPES = ("standard", "standard", "standard", "EMOM", "AMRAP", "circuit")
OWN_EXERCISES = 10  # per coach: the six the program uses, and four more
FAVOURITES = 20  # global exercises each coach marked


@dataclass(frozen=True)
class Shape:
    students: int = 30  # per coach
    weeks: int = 52  # of the year program, all of it before `today` minus a week
    logged_percent: int = 68  # of the due sessions that a student logged
    clips: int = 2000  # over the whole platform, the same number per coach
    coaches: int = 50  # on the platform
    global_exercises: int = 3200
    clip_bytes: int = 8192  # random, so that PostgreSQL keeps them out of line as real clips

    @property
    def clips_per_coach(self) -> int:
        return self.clips // self.coaches


def gid(*parts: object) -> str:
    """The id `build` gives to the row named by `parts` (same md5 recipe as the SQL's `gid`)."""
    import hashlib

    h = hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def coach_id(number: int) -> str:
    return gid("coach", number)


def student_id(coach: int, number: int) -> str:
    return gid("student", coach, number)


_FUNCTIONS = """
CREATE FUNCTION pg_temp.gid(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8'
         || substr(h, 18, 3) || '-' || substr(h, 21, 12) FROM md5(t) AS h $$;
CREATE FUNCTION pg_temp.pick(t text, n int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (('x' || substr(md5(t), 1, 8))::bit(32)::int & 2147483647) % n $$;
"""

_STATEMENTS = [
    # -- people ---------------------------------------------------------------------------------
    """
    INSERT INTO users (id, email, pseudo, password, "firstName", "lastName", role, "coachId",
                       "updatedAt")
    SELECT pg_temp.gid('coach/' || c), 'coach' || c || '@scale.example', 'scale_coach_' || c,
           %(hash)s, 'Coach', 'Number ' || c, 'coach', NULL, %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c
    """,
    """
    INSERT INTO users (id, email, pseudo, password, "firstName", "lastName", role, "coachId",
                       "updatedAt")
    SELECT pg_temp.gid('student/' || c || '/' || s),
           's' || c || '.' || s || '@scale.example', 'scale_s_' || c || '_' || s, %(hash)s,
           (ARRAY['Ana','Ben','Chloé','Dev','Emma','Farid','Gus','Hana','Ivo','Jade'])
             [1 + pg_temp.pick('first/' || c || '/' || s, 10)],
           (ARRAY['Moreau','Nakamura','Okafor','Petit','Quinn','Rossi','Silva','Tran'])
             [1 + pg_temp.pick('last/' || c || '/' || s, 8)],
           'student', pg_temp.gid('coach/' || c), %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, %(students)s) AS s
    """,
    # A group per coach holding its first five students (the students page reads both paths).
    """
    INSERT INTO groups (id, "ownerId", name, "updatedAt")
    SELECT pg_temp.gid('group/' || c), pg_temp.gid('coach/' || c), 'Morning crew', %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c
    """,
    """
    INSERT INTO group_members (id, "groupId", "userId")
    SELECT pg_temp.gid('member/' || c || '/' || s), pg_temp.gid('group/' || c),
           pg_temp.gid('student/' || c || '/' || s)
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, least(5, %(students)s)) AS s
    """,
    # -- the library -----------------------------------------------------------------------------
    """
    INSERT INTO exercises (id, name, description, type, meta, scope, "ownerId", "updatedAt")
    SELECT pg_temp.gid('global/' || g),
           (ARRAY['Back squat','Bench press','Deadlift','Row','Lunge','Press','Pull-up','Curl'])
             [1 + g %% 8] || ' variation ' || g,
           'Catalogue exercise number ' || g || '.', 'standard',
           jsonb_build_object(
             'exercise', 'Catalogue exercise ' || g,
             'shortDemonstration', 'Short demo of exercise ' || g,
             'inDepthExplanation', 'In-depth explanation of exercise ' || g,
             'shortDemonstrationLink', 'https://www.youtube.com/watch?v=s' || g,
             'inDepthExplanationLink', 'https://www.youtube.com/watch?v=d' || g,
             'difficultyLevel', (ARRAY['Beginner','Intermediate','Advanced'])[1 + g %% 3],
             'targetMuscleGroup',
               (ARRAY['Quadriceps','Chest','Back','Hamstrings','Shoulders','Glutes'])[1 + g %% 6]),
           'global', NULL, %(moment)s
    FROM generate_series(1, %(globals)s) AS g
    """,
    """
    INSERT INTO exercises (id, name, description, type, meta, scope, "ownerId", "updatedAt")
    SELECT pg_temp.gid('own/' || c || '/' || k), 'Coach ' || c || ' lift ' || k, NULL,
           (%(slot_types)s::text[] || ARRAY['custom','standard','EMOM','AMRAP'])[k]::"ExerciseType",
           jsonb_build_object('difficulty', 'Intermediate',
                              'muscleGroups', jsonb_build_array('Legs'),
                              'instructions', jsonb_build_array('Brace', 'Drive'),
                              'videoUrl', NULL, 'sets', 4, 'reps', 8),
           'coach', pg_temp.gid('coach/' || c), %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, %(own)s) AS k
    """,
    """
    INSERT INTO favorite_exercises (id, "userId", "exerciseId")
    SELECT pg_temp.gid('fav/' || c || '/' || f), pg_temp.gid('coach/' || c),
           pg_temp.gid('global/' || (1 + (c * 37 + f * 11) %% %(globals)s))
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, %(favourites)s) AS f
    """,
    # -- one year program per coach, assigned to every student a year ago -------------------------
    """
    INSERT INTO programs (id, title, description, "coachId", "isDraft", "updatedAt")
    SELECT pg_temp.gid('program/' || c), 'Year of strength ' || c, NULL,
           pg_temp.gid('coach/' || c), false, %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c
    """,
    """
    INSERT INTO program_blocks (id, "programId", title, position)
    SELECT pg_temp.gid('block/' || c || '/' || b), pg_temp.gid('program/' || c),
           'Block ' || (b + 1), b
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(0, (%(weeks)s - 1) / 4) AS b
    """,
    """
    INSERT INTO weeks (id, "blockId", "weekNumber", position)
    SELECT pg_temp.gid('week/' || c || '/' || w), pg_temp.gid('block/' || c || '/' || (w / 4)),
           w + 1, w %% 4
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(0, %(weeks)s - 1) AS w
    """,
    # Every other week's sessions are dated; the others are due by their program week.
    """
    INSERT INTO sessions (id, "weekId", title, notes, date, position)
    SELECT pg_temp.gid('session/' || c || '/' || w || '/' || d),
           pg_temp.gid('week/' || c || '/' || w), 'W' || (w + 1) || ' D' || (d + 1), NULL,
           CASE WHEN w %% 2 = 0 THEN %(start)s::timestamp + make_interval(days => 7 * w + 2 * d)
           END, d
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(0, %(weeks)s - 1) AS w,
         generate_series(0, %(per_week)s - 1) AS d
    """,
    """
    INSERT INTO session_exercises (id, "sessionId", "exerciseId", config, position)
    SELECT pg_temp.gid('item/' || c || '/' || w || '/' || d || '/' || n),
           pg_temp.gid('session/' || c || '/' || w || '/' || d),
           pg_temp.gid('own/' || c || '/' || (n + 1)),
           CASE (%(slot_types)s::text[])[n + 1]
             WHEN 'EMOM' THEN jsonb_build_object('sets', 1, 'reps', 10, 'format', 'EMOM',
                                                 'duration', 10)
             WHEN 'AMRAP' THEN jsonb_build_object('sets', 1, 'reps', 10, 'format', 'AMRAP',
                                                  'duration', 600)
             WHEN 'circuit' THEN jsonb_build_object('sets', 3, 'reps', 12, 'format', 'circuit',
                                                    'weight', 16)
             ELSE jsonb_build_object('sets', 4, 'reps', 8, 'format', 'standard',
                                     'weight', 40 + 10 * n, 'rest', 120)
           END, n
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(0, %(weeks)s - 1) AS w,
         generate_series(0, %(per_week)s - 1) AS d, generate_series(0, %(per_session)s - 1) AS n
    """,
    """
    INSERT INTO program_assignments (id, "programId", "studentId", "assignedBy", "assignedAt")
    SELECT pg_temp.gid('assignment/' || c || '/' || s), pg_temp.gid('program/' || c),
           pg_temp.gid('student/' || c || '/' || s), pg_temp.gid('coach/' || c), %(moment)s
    FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, %(students)s) AS s
    """,
    # -- the students' year of logs -------------------------------------------------------------
    """
    INSERT INTO session_progress (id, "sessionId", "studentId", progress, notes, videos,
                                  "savedAt", status, "updatedAt")
    SELECT pg_temp.gid('progress/' || k), pg_temp.gid('session/' || c || '/' || w || '/' || d),
           pg_temp.gid('student/' || c || '/' || s),
           jsonb_build_object(
             'sessionId', pg_temp.gid('session/' || c || '/' || w || '/' || d),
             'sessionTitle', 'W' || (w + 1) || ' D' || (d + 1), 'sessionNotes', NULL,
             'week', w + 1, 'block', 'Block ' || (w / 4 + 1), 'program', 'Year of strength ' || c,
             'exercises', (
               SELECT jsonb_agg(jsonb_build_object(
                 'position', n, 'exerciseId', pg_temp.gid('own/' || c || '/' || (n + 1)),
                 'exerciseName', 'Coach ' || c || ' lift ' || (n + 1),
                 'exerciseType', (%(slot_types)s::text[])[n + 1],
                 'config', jsonb_build_object('sets', 4, 'reps', 8),
                 'status', CASE WHEN partial AND n = %(per_session)s - 1 THEN 'in_progress'
                                ELSE 'completed' END,
                 'notes', CASE WHEN pg_temp.pick(k || '/n/' || n, 9) = 0 THEN 'Felt strong today'
                               ELSE '' END,
                 'videos', '[]'::jsonb,
                 'data', CASE (%(slot_types)s::text[])[n + 1]
                   WHEN 'EMOM' THEN jsonb_build_object(
                     'repsPerMinute', jsonb_build_array(10, 10, 9, 10, 9, 8, 10, 9, 9, 8),
                     'rpe', 7, 'notes', '')
                   WHEN 'AMRAP' THEN jsonb_build_object(
                     'totalReps', 80 + pg_temp.pick(k || '/a', 30), 'rpe', 9, 'notes', '')
                   WHEN 'circuit' THEN jsonb_build_object(
                     'roundsCompleted', 3, 'totalReps', 36, 'weightUsed', '16', 'rpe', 8)
                   ELSE jsonb_build_object(
                     'setsCompleted', 4,
                     'repsPerSet', jsonb_build_array(8, 8, 7 + pg_temp.pick(k || '/r' || n, 2), 7),
                     'repsCompleted', 30 + pg_temp.pick(k || '/r' || n, 2),
                     'weightUsed', 40 + 10 * n + (w / 4) * 2.5,
                     'rpe', CASE WHEN pg_temp.pick(k || '/e' || n, 7) = 0 THEN NULL ELSE 8 END,
                     'notes', '')
                 END) ORDER BY n)
               FROM generate_series(0, %(per_session)s - 1) AS n),
             'summary', jsonb_build_object(
               'totalExercises', %(per_session)s,
               'completedExercises', %(per_session)s - partial::int,
               'inProgressExercises', partial::int, 'skippedExercises', 0),
             'metadata', jsonb_build_object('lastModifiedAt', saved)),
           CASE WHEN pg_temp.pick(k || '/c', 11) = 0 THEN 'Good session.' END,
           CASE WHEN pg_temp.pick(k || '/v', 60) = 0
                THEN ARRAY['https://videos.example.org/' || k || '.mp4'] END,
           saved, 'completed', saved
    FROM (
      SELECT c, s, w, d, c || '/' || s || '/' || w || '/' || d AS k,
             pg_temp.pick('partial/' || c || '/' || s || '/' || w || '/' || d, 12) = 0 AS partial,
             %(start)s::timestamp + make_interval(days => 7 * w + 2 * d, hours => 18,
                                                  mins => pg_temp.pick(s || '/' || w, 60)) AS saved
      FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, %(students)s) AS s,
           generate_series(0, %(weeks)s - 1) AS w, generate_series(0, %(per_week)s - 1) AS d
      WHERE pg_temp.pick('logged/' || c || '/' || s || '/' || w || '/' || d, 100)
            < %(logged)s
    ) AS due
    """,
    # -- clips: the same number per coach, on that coach's logs, half of them reviewed ----------
    """
    INSERT INTO exercise_media (id, "progressId", data, "mimeType", size, "createdAt")
    SELECT pg_temp.gid('clip/' || c || '/' || j), pg_temp.gid('progress/' || k), bytes,
           'video/mp4', length(bytes), saved + interval '5 minutes'
    FROM (SELECT * FROM (
      SELECT c, j, k, saved, row_number() OVER (PARTITION BY c ORDER BY j) AS nth
      FROM (
        SELECT c, j, c || '/' || (1 + pg_temp.pick('cs/' || c || '/' || j, %(students)s)) || '/'
                     || (j %% %(weeks)s) || '/' || (j %% %(per_week)s) AS k,
               %(start)s::timestamp + make_interval(days => 7 * (j %% %(weeks)s), hours => 18)
                 AS saved
        FROM unnest(%(coaches)s::int[]) AS c, generate_series(1, 3 * %(clips)s) AS j
      ) AS candidates
      WHERE EXISTS (SELECT 1 FROM session_progress sp WHERE sp.id = pg_temp.gid('progress/' || k))
    ) AS numbered WHERE nth <= %(clips)s) AS picked
    CROSS JOIN LATERAL (
      SELECT decode(string_agg(md5(picked.k || '/' || picked.j || '/' || b), ''), 'hex') AS bytes
      FROM generate_series(1, %(clip_md5s)s) AS b
    ) AS body
    """,
    """
    INSERT INTO gbf_desktop.clip_reviews (id, "mediaId", "reviewerId", comment, "createdAt")
    SELECT pg_temp.gid('review/' || em.id), em.id, u."coachId", 'Looks solid.',
           em."createdAt" + interval '1 day'
    FROM exercise_media em
    JOIN session_progress sp ON sp.id = em."progressId"
    JOIN users u ON u.id = sp."studentId"
    WHERE pg_temp.pick(em.id, 2) = 0
    """,
]


@dataclass(frozen=True)
class Built:
    today: date
    coaches: tuple[int, ...]
    progress_rows: int
    clips: int


def build(
    url: str, shape: Shape, coaches: Iterable[int], *, today: date, drop_media_index: bool = True
) -> Built:
    """Fill the (migrated, empty) database at `url` with `coaches`' rows and the global library.

    `drop_media_index` removes `exercise_media_progressId_idx`, as the web backend's start does
    on a live platform: the desktop's reads must not need it.
    """
    numbers = tuple(coaches)
    start = today - timedelta(days=7 * shape.weeks + 7)
    start -= timedelta(days=start.weekday())
    params = {
        "hash": HASH,
        "moment": datetime.combine(start, time(8)) - timedelta(days=3),
        "coaches": list(numbers),
        "students": shape.students,
        "weeks": shape.weeks,
        "per_week": SESSIONS_PER_WEEK,
        "per_session": EXERCISES_PER_SESSION,
        "slot_types": list(SLOT_TYPES),
        "own": OWN_EXERCISES,
        "favourites": FAVOURITES,
        "globals": shape.global_exercises,
        "start": datetime.combine(start, time(0)),
        "logged": shape.logged_percent,
        "clips": shape.clips_per_coach,
        "clip_md5s": max(1, shape.clip_bytes // 16),
    }
    with psycopg.connect(url) as conn:
        conn.execute(_FUNCTIONS)
        for statement in _STATEMENTS:
            conn.execute(statement, params)
        if drop_media_index:
            conn.execute('DROP INDEX IF EXISTS "exercise_media_progressId_idx"')
        progress = conn.execute("SELECT count(*) FROM session_progress").fetchone()
        clips = conn.execute("SELECT count(*) FROM exercise_media").fetchone()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    assert progress is not None
    assert clips is not None
    return Built(today, numbers, int(progress[0]), int(clips[0]))
