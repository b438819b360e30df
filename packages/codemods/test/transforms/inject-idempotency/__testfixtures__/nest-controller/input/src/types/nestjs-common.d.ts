// The slice of @nestjs/common this fixture uses (the real declarations come from the package).
declare module '@nestjs/common' {
  export function Injectable(): ClassDecorator;
  export function Controller(prefix?: string): ClassDecorator;
  export function Post(path?: string): MethodDecorator;
  export function HttpCode(statusCode: number): MethodDecorator;
  export function Body(): ParameterDecorator;
  export function Param(property: string): ParameterDecorator;
  export function Headers(property?: string): ParameterDecorator;
}
