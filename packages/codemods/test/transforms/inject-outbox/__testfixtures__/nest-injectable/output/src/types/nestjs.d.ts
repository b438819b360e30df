// The slice of @nestjs/common and @nestjs/typeorm this fixture uses (the real declarations come from the packages).
declare module '@nestjs/common' {
  export function Injectable(): ClassDecorator;
  export class NotFoundException extends Error {}
}
declare module '@nestjs/typeorm' {
  export function InjectRepository(entity: Function): ParameterDecorator;
}
