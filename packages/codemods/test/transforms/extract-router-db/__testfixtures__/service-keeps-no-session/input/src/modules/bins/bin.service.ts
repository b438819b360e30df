export class BinService {
  constructor(private readonly codes: Map<string, string>) {}

  label(code: string): string {
    return this.codes.get(code) ?? code;
  }
}
