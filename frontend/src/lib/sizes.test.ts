import { describe, expect, it } from "vitest";
import { sizeText } from "./sizes";

describe("sizeText", () => {
  it("counts bytes below a kilobyte", () => {
    expect(sizeText(0)).toBe("0 bytes");
    expect(sizeText(1)).toBe("1 byte");
    expect(sizeText(999)).toBe("999 bytes");
  });

  it("gives one decimal below ten and whole numbers above", () => {
    expect(sizeText(1_234)).toBe("1.2 kB");
    expect(sizeText(1_200_000)).toBe("1.2 MB");
    expect(sizeText(3_400_000)).toBe("3.4 MB");
    expect(sizeText(2_000_000)).toBe("2 MB");
    expect(sizeText(182_400_000)).toBe("182 MB");
    expect(sizeText(9_960_000)).toBe("10 MB");
  });

  it("moves to the next unit rather than say a thousand", () => {
    expect(sizeText(999_999)).toBe("1 MB");
    expect(sizeText(999_400)).toBe("999 kB");
    expect(sizeText(1_500_000_000)).toBe("1.5 GB");
    expect(sizeText(5_000_000_000_000_000)).toBe("5000 TB");
  });
});
