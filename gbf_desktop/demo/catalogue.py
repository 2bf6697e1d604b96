"""The demo exercise library, written as data.

Two kinds of rows, because the platform has two: `global` exercises (made by admins, all typed
`standard`, meta in the admin catalogue's shape with YouTube links) and the coach's own exercises
(any type, meta in the web exercise form's shape). The programs in `programs.py` name exercises
from here; `seed` refuses to build if a name is missing, so a typo cannot become a dangling row.

Over 500 lines: it is data (one entry per demo exercise), not code; splitting it would only scatter
the list.
"""

from __future__ import annotations

from dataclasses import dataclass

# Levels as the admin catalogue spells them, and as the coach form stores them.
BEGINNER = "Beginner"
INTERMEDIATE = "Intermediate"
ADVANCED = "Advanced"


@dataclass(frozen=True)
class GlobalExercise:
    name: str
    muscle: str
    level: str
    description: str


@dataclass(frozen=True)
class CoachExercise:
    name: str
    type: str  # a value of the "ExerciseType" enum
    level: str
    muscles: tuple[str, ...]
    description: str
    instructions: tuple[str, ...]
    sets: int
    reps: int
    # Some coaches never filmed a demo: the form leaves the field null.
    has_video: bool = True


GLOBAL_EXERCISES: tuple[GlobalExercise, ...] = (
    GlobalExercise(
        "Barbell Back Squat",
        "Quadriceps",
        INTERMEDIATE,
        "Bar on the upper back, sit down between the heels until the hip crease passes the knee, "
        "then drive up keeping the chest tall.",
    ),
    GlobalExercise(
        "Front Squat",
        "Quadriceps",
        ADVANCED,
        "Bar racked on the front of the shoulders with high elbows; an upright squat that loads "
        "the quads and the upper back.",
    ),
    GlobalExercise(
        "Goblet Squat",
        "Quadriceps",
        BEGINNER,
        "Hold a kettlebell or dumbbell at the chest and squat between the knees; the easiest way "
        "to learn squat depth.",
    ),
    GlobalExercise(
        "Bulgarian Split Squat",
        "Quadriceps",
        INTERMEDIATE,
        "Rear foot on a bench, lower the back knee toward the floor and stand up through the "
        "front heel.",
    ),
    GlobalExercise(
        "Walking Lunge",
        "Quadriceps",
        BEGINNER,
        "Long alternating steps forward, back knee kissing the floor, torso upright.",
    ),
    GlobalExercise(
        "Leg Press",
        "Quadriceps",
        BEGINNER,
        "Feet shoulder-width on the sled, lower under control without the lower back rounding "
        "off the pad.",
    ),
    GlobalExercise(
        "Romanian Deadlift",
        "Hamstrings",
        INTERMEDIATE,
        "Soft knees, push the hips back and slide the bar down the thighs until the hamstrings "
        "stop you; stand tall by squeezing the glutes.",
    ),
    GlobalExercise(
        "Conventional Deadlift",
        "Posterior Chain",
        INTERMEDIATE,
        "Bar over mid-foot, wedge into position with a flat back and push the floor away until "
        "hips and knees lock together.",
    ),
    GlobalExercise(
        "Trap Bar Deadlift",
        "Posterior Chain",
        BEGINNER,
        "A hex bar keeps the load in line with the body: a friendlier hinge for heavy pulls.",
    ),
    GlobalExercise(
        "Good Morning",
        "Hamstrings",
        INTERMEDIATE,
        "Bar on the back, hinge forward with a neutral spine until the torso nears horizontal.",
    ),
    GlobalExercise(
        "Nordic Hamstring Curl",
        "Hamstrings",
        ADVANCED,
        "Kneel with the ankles anchored and lower the body forward as slowly as possible.",
    ),
    GlobalExercise(
        "Lying Leg Curl",
        "Hamstrings",
        BEGINNER,
        "Machine curl: hips pressed into the pad, curl the heels to the glutes and lower slowly.",
    ),
    GlobalExercise(
        "Hip Thrust",
        "Glutes",
        BEGINNER,
        "Upper back on a bench, bar over the hips, drive the hips up to a straight line and "
        "pause at the top.",
    ),
    GlobalExercise(
        "Glute Bridge",
        "Glutes",
        BEGINNER,
        "Lying on the back, feet flat, lift the hips by squeezing the glutes; no arching.",
    ),
    GlobalExercise(
        "Step-up",
        "Glutes",
        BEGINNER,
        "Step onto a box with the whole foot and stand up without pushing off the back leg.",
    ),
    GlobalExercise(
        "Standing Calf Raise",
        "Calves",
        BEGINNER,
        "Rise onto the balls of the feet, pause, then lower into a full stretch.",
    ),
    GlobalExercise(
        "Barbell Bench Press",
        "Chest",
        INTERMEDIATE,
        "Shoulder blades pinned, bar to the lower chest, press back up over the shoulders.",
    ),
    GlobalExercise(
        "Incline Dumbbell Press",
        "Chest",
        INTERMEDIATE,
        "Bench at about 30 degrees, press the dumbbells up and slightly together.",
    ),
    GlobalExercise(
        "Push-up",
        "Chest",
        BEGINNER,
        "Hands under the shoulders, body in one line, chest to the floor and back up.",
    ),
    GlobalExercise(
        "Parallel Bar Dip",
        "Triceps",
        INTERMEDIATE,
        "Lower between the bars until the shoulders dip below the elbows, then press out.",
    ),
    GlobalExercise(
        "Standing Overhead Press",
        "Shoulders",
        INTERMEDIATE,
        "Strict press from the front rack to lockout overhead, ribs down and glutes tight.",
    ),
    GlobalExercise(
        "Push Press",
        "Shoulders",
        INTERMEDIATE,
        "A short knee dip and drive launches the bar; the arms finish the press overhead.",
    ),
    GlobalExercise(
        "Seated Dumbbell Shoulder Press",
        "Shoulders",
        BEGINNER,
        "Back supported, press two dumbbells from ear height to straight arms.",
    ),
    GlobalExercise(
        "Lateral Raise",
        "Shoulders",
        BEGINNER,
        "Raise light dumbbells out to the sides up to shoulder height, leading with the elbows.",
    ),
    GlobalExercise(
        "Face Pull",
        "Rear Deltoids",
        BEGINNER,
        "Rope at face height, pull toward the eyes with the elbows high and the thumbs back.",
    ),
    GlobalExercise(
        "Pull-up",
        "Latissimus Dorsi",
        INTERMEDIATE,
        "From a dead hang with an overhand grip, pull until the chin clears the bar.",
    ),
    GlobalExercise(
        "Chin-up",
        "Latissimus Dorsi",
        INTERMEDIATE,
        "Underhand, shoulder-width grip; pull the chest toward the bar.",
    ),
    GlobalExercise(
        "Lat Pulldown",
        "Latissimus Dorsi",
        BEGINNER,
        "Pull the bar to the upper chest while the torso stays still.",
    ),
    GlobalExercise(
        "Barbell Bent-Over Row",
        "Upper Back",
        INTERMEDIATE,
        "Hinge to about 45 degrees and row the bar to the belly button without jerking.",
    ),
    GlobalExercise(
        "One-Arm Dumbbell Row",
        "Upper Back",
        BEGINNER,
        "One hand and knee on a bench, row the dumbbell to the hip and lower with control.",
    ),
    GlobalExercise(
        "Seated Cable Row",
        "Upper Back",
        BEGINNER,
        "Sit tall, pull the handle to the ribs and let the shoulder blades glide forward after.",
    ),
    GlobalExercise(
        "Inverted Row",
        "Upper Back",
        BEGINNER,
        "Hang under a low bar with a straight body and pull the chest up to it.",
    ),
    GlobalExercise(
        "Barbell Curl",
        "Biceps",
        BEGINNER,
        "Elbows pinned to the sides, curl the bar up without swinging the torso.",
    ),
    GlobalExercise(
        "Hammer Curl",
        "Biceps",
        BEGINNER,
        "Neutral-grip dumbbell curl that also works the forearms.",
    ),
    GlobalExercise(
        "Triceps Rope Pushdown",
        "Triceps",
        BEGINNER,
        "Push the rope down and spread the ends apart at the bottom.",
    ),
    GlobalExercise(
        "Skull Crusher",
        "Triceps",
        INTERMEDIATE,
        "Lying on a bench, bend only at the elbows to bring the bar toward the forehead.",
    ),
    GlobalExercise(
        "Front Plank",
        "Abdominals",
        BEGINNER,
        "Forearms and toes, squeeze everything and hold a straight line.",
    ),
    GlobalExercise(
        "Side Plank",
        "Obliques",
        BEGINNER,
        "On one forearm with stacked feet, hips lifted and in line with the shoulders.",
    ),
    GlobalExercise(
        "Dead Bug",
        "Abdominals",
        BEGINNER,
        "On the back, extend the opposite arm and leg while the lower back stays glued down.",
    ),
    GlobalExercise(
        "Hanging Knee Raise",
        "Abdominals",
        INTERMEDIATE,
        "Hang from a bar and curl the knees toward the chest, tilting the pelvis up.",
    ),
    GlobalExercise(
        "Pallof Press",
        "Obliques",
        BEGINNER,
        "Press a side-anchored band straight out from the chest and refuse to rotate.",
    ),
    GlobalExercise(
        "Ab Wheel Rollout",
        "Abdominals",
        ADVANCED,
        "From the knees, roll out as far as the lower back stays neutral, then pull back.",
    ),
    GlobalExercise(
        "Farmer's Carry",
        "Forearms",
        BEGINNER,
        "Walk tall with a heavy weight in each hand; shoulders packed, short quick steps.",
    ),
    GlobalExercise(
        "Kettlebell Swing",
        "Glutes",
        INTERMEDIATE,
        "Hike the bell back between the legs and snap the hips so it floats to chest height.",
    ),
    GlobalExercise(
        "Turkish Get-up",
        "Shoulders",
        ADVANCED,
        "Stand up from lying while the bell stays locked out overhead, one step at a time.",
    ),
    GlobalExercise(
        "Box Jump",
        "Quadriceps",
        INTERMEDIATE,
        "Swing the arms, jump onto the box landing softly, step back down.",
    ),
    GlobalExercise(
        "Power Clean",
        "Full Body",
        ADVANCED,
        "Pull the bar from the floor, extend violently and catch it on the shoulders in a "
        "quarter squat.",
    ),
    GlobalExercise(
        "Wall Ball",
        "Full Body",
        BEGINNER,
        "Squat with a medicine ball and throw it to a target on the way up; catch and repeat.",
    ),
    GlobalExercise(
        "Thruster",
        "Full Body",
        INTERMEDIATE,
        "A front squat that flows straight into an overhead press.",
    ),
    GlobalExercise(
        "Sled Push",
        "Quadriceps",
        INTERMEDIATE,
        "Low body angle, arms locked, drive the sled with short powerful steps.",
    ),
)


COACH_EXERCISES: tuple[CoachExercise, ...] = (
    # standard
    CoachExercise(
        "Tempo Back Squat (3-1-1)",
        "standard",
        INTERMEDIATE,
        ("Quadriceps", "Glutes"),
        "Back squat with a three-second descent and a one-second pause in the hole.",
        (
            "Count three seconds on the way down.",
            "Hold one second at the bottom without relaxing.",
            "Stand up in one second.",
        ),
        4,
        5,
    ),
    CoachExercise(
        "Paused Bench Press",
        "standard",
        INTERMEDIATE,
        ("Chest", "Triceps"),
        "Bench press with a full stop on the chest to kill the bounce.",
        ("Touch the chest and hold two seconds.", "Press without losing the arch."),
        4,
        4,
    ),
    CoachExercise(
        "Band Pull-apart",
        "standard",
        BEGINNER,
        ("Rear Deltoids", "Upper Back"),
        "Shoulder health filler between pressing sets.",
        ("Arms straight at chest height.", "Pull the band to the chest by squeezing the back."),
        3,
        20,
        has_video=False,
    ),
    # EMOM
    CoachExercise(
        "Kettlebell Swing EMOM",
        "EMOM",
        INTERMEDIATE,
        ("Glutes", "Hamstrings", "Core"),
        "Every minute on the minute: a set of two-hand swings, rest what is left of the minute.",
        (
            "Start a new set at the top of every minute.",
            "Keep every swing crisp; stop the set if the hinge turns into a squat.",
        ),
        1,
        15,
    ),
    CoachExercise(
        "Row & Burpee EMOM",
        "EMOM",
        INTERMEDIATE,
        ("Full Body",),
        "Alternating minutes: odd minutes 12 calories on the rower, even minutes 10 burpees.",
        ("Odd minutes: row the calories.", "Even minutes: burpees, chest to the floor."),
        1,
        12,
    ),
    CoachExercise(
        "Bike Calorie EMOM",
        "EMOM",
        BEGINNER,
        ("Quadriceps", "Cardio"),
        "Air bike calories every minute at a pace you can repeat to the end.",
        ("Hit the calorie target, then soft-pedal.", "Same target every minute."),
        1,
        10,
        has_video=False,
    ),
    # AMRAP
    CoachExercise(
        "Burpee AMRAP",
        "AMRAP",
        BEGINNER,
        ("Full Body", "Cardio"),
        "As many burpees as possible in the time cap at a steady, honest pace.",
        ("Chest and thighs touch the floor.", "Jump and clap overhead at the top."),
        1,
        60,
    ),
    CoachExercise(
        "Kettlebell Chipper AMRAP",
        "AMRAP",
        INTERMEDIATE,
        ("Full Body",),
        "Rounds of 10 goblet squats, 10 swings and 10 push-ups for as long as the clock runs.",
        ("Count total reps, not rounds.", "Pick a bell you can swing unbroken."),
        1,
        150,
    ),
    CoachExercise(
        "Bodyweight Triplet AMRAP",
        "AMRAP",
        BEGINNER,
        ("Full Body",),
        "Air squats, sit-ups and push-ups, 15-15-10, as many reps as possible.",
        ("Full range on every rep.", "Rest when form slips, not before."),
        1,
        120,
        has_video=False,
    ),
    # circuit
    CoachExercise(
        "Engine Circuit",
        "circuit",
        INTERMEDIATE,
        ("Full Body", "Cardio"),
        "Four stations back to back: 250 m row, 15 swings, 10 box jumps, 12 wall balls.",
        (
            "Move between stations without resting.",
            "Rest 90 seconds between rounds.",
            "Log completed rounds and total reps.",
        ),
        4,
        37,
    ),
    CoachExercise(
        "Core Circuit",
        "circuit",
        BEGINNER,
        ("Abdominals", "Obliques"),
        "Dead bugs, side planks and hollow rocks as a finisher.",
        ("10 dead bugs per side.", "30 s side plank per side.", "15 hollow rocks."),
        3,
        35,
    ),
    CoachExercise(
        "Carry & Push Circuit",
        "circuit",
        INTERMEDIATE,
        ("Forearms", "Quadriceps", "Core"),
        "Farmer's carry 40 m, sled push 20 m and 10 walking lunges per leg.",
        ("Heavy carries: do not put the weights down.", "Sled low and fast."),
        3,
        20,
    ),
    # custom
    CoachExercise(
        "Hip & Ankle Mobility Flow",
        "custom",
        BEGINNER,
        ("Hips", "Ankles"),
        "Eight minutes of joint prep before squatting: 90/90 switches, ankle rocks, deep squat "
        "holds.",
        ("Move slowly, breathe through the nose.", "Spend extra time on the tight side."),
        1,
        1,
    ),
    CoachExercise(
        "Dynamic Warm-up",
        "custom",
        BEGINNER,
        ("Full Body",),
        "Skips, leg swings, inchworms and build-up strides before conditioning work.",
        ("About ten minutes.", "Finish with two fast strides."),
        1,
        1,
        has_video=False,
    ),
    CoachExercise(
        "Zone 2 Run",
        "custom",
        BEGINNER,
        ("Cardio",),
        "Easy continuous run where talking in full sentences is still possible.",
        ("Keep the heart rate in zone 2.", "Log the distance and how it felt."),
        1,
        1,
    ),
    CoachExercise(
        "Breathing & Down-regulation",
        "custom",
        BEGINNER,
        ("Recovery",),
        "Five minutes lying with the legs up: long exhales to switch off after a hard session.",
        ("Four seconds in, eight seconds out.",),
        1,
        1,
        has_video=False,
    ),
)
