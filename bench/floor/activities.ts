/** The floor's one activity: returns its input, so only Temporal's own cost is measured. */

/** Builds the floor activities (a factory like baton's, though it needs nothing). */
export function createFloorActivities() {
  return {
    floorNoop(text: string): Promise<string> {
      return Promise.resolve(text);
    },
  };
}

/** The activities as the floor workflow sees them. */
export type FloorActivities = ReturnType<typeof createFloorActivities>;
