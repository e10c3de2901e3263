// Words for states, moves and solution concepts, shared by the analysis views.

export const CONCEPTS = ["nash", "gmr", "smr", "seq"];

export const CONCEPT_NAMES = {
  nash: "Nash",
  gmr: "GMR",
  smr: "SMR",
  seq: "SEQ",
};

export const CONCEPT_TITLES = {
  nash: "Nash stability: no unilateral improvement",
  gmr: "General metarationality: every improvement can be sanctioned",
  smr: "Symmetric metarationality: sanctions hold even after a counter-response",
  seq: "Sequential stability: sanctions made only of improving moves",
};

const PARTY_COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

export function partyColour(parties, party) {
  const index = parties.indexOf(party);
  return PARTY_COLOURS[(index < 0 ? 0 : index) % PARTY_COLOURS.length];
}

/** Option ids taken in a state code, in option order. */
function takenOptions(code, options) {
  return options.filter((_, index) => code[index] === "Y");
}

/** "Raise pressure + Dismantle Yongbyon", or "nothing taken". */
export function describeState(code, options, labels) {
  const taken = takenOptions(code, options || []);
  if (!taken.length) return "no option taken";
  return taken.map((id) => (labels && labels[id]) || id).join(" + ");
}

/** One move in words, from its before and after codes (and optional taken/withdrawn lists). */
export function describeMove(move, { options, labels, names }) {
  const name = (names && names[move.party]) || move.party;
  let taken = move.taken;
  let withdrawn = move.withdrawn;
  if (!taken || !withdrawn) {
    taken = [];
    withdrawn = [];
    (options || []).forEach((id, index) => {
      if (move.before[index] === "N" && move.after[index] === "Y") taken.push(id);
      if (move.before[index] === "Y" && move.after[index] === "N") withdrawn.push(id);
    });
  }
  const label = (id) => `‘${(labels && labels[id]) || id}’`;
  const parts = [];
  if (taken.length) parts.push(`takes ${taken.map(label).join(" and ")}`);
  if (withdrawn.length) parts.push(`withdraws ${withdrawn.map(label).join(" and ")}`);
  return `${name} ${parts.join(" and ") || "moves"} (${move.before} → ${move.after})`;
}
