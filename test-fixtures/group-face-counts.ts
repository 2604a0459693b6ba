/**
 * True face counts of ../shared/fixtures/faces/groups, written down by looking at each photo. A face counts when its
 * eyes, nose and mouth are visible; the woman cut off at the right edge of obama_and_biden does not.
 */
export const GROUP_FACE_COUNTS: Readonly<Record<string, number>> = {
  'bbt1.jpg': 4,
  'bbt4.jpg': 6,
  'kit_with_rose.jpg': 2,
  'longoria-cooper.jpg': 2,
  'obama_and_biden.jpg': 3,
  'two_people.jpg': 2,
};
