// Every table of the schema is classified in the personal-data map, and each
// table said to hold a customer's data names a place of the redact registry
// that really exists (so customers/redact erases it and data requests report
// it). The map's keys are Prisma's model names: a table added without an
// entry does not compile; this test also catches the map being bypassed
// with a cast, and a place renamed or dropped from the registry.
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { PERSONAL_DATA_MAP, placesNamed } from "~/services/privacy/personal-data-map.server";
import { PERSONAL_DATA_PLACE_NAMES, personalDataPlaces } from "~/services/privacy/registry.server";

describe("the personal-data map", () => {
  it("classifies every table of the schema, and only those", () => {
    expect(Object.keys(PERSONAL_DATA_MAP).sort()).toEqual(Object.values(Prisma.ModelName).sort());
  });

  it("names only columns the tables have", () => {
    const models = Prisma.dmmf.datamodel.models;
    for (const [model, entry] of Object.entries(PERSONAL_DATA_MAP)) {
      if (entry.holds === "nothing") continue;
      const fields = models.find((candidate) => candidate.name === model)!.fields.map((field) => field.name);
      expect(fields, model).toEqual(expect.arrayContaining([...entry.columns]));
      expect(entry.columns.length, `${model} is said to hold personal data in no column`).toBeGreaterThan(0);
    }
  });

  it("sends each customer table to a registry place that collects and erases it", () => {
    expect(personalDataPlaces().sort()).toEqual([...PERSONAL_DATA_PLACE_NAMES].sort());
    for (const place of placesNamed()) expect(personalDataPlaces()).toContain(place);
    // Every registry place covers some table: a place nothing points at is stale.
    expect(placesNamed().sort()).toEqual(personalDataPlaces().sort());
  });
});
